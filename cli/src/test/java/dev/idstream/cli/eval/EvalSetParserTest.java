package dev.idstream.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalSetParserTest {

    @TempDir
    Path dir;

    @BeforeEach
    void files() throws Exception {
        Files.createDirectories(dir.resolve("img"));
        Files.write(dir.resolve("img/a.jpg"), new byte[] {1});
        Files.write(dir.resolve("img/b.png"), new byte[] {2});
        Files.write(dir.resolve("clip.mp4"), new byte[] {3});
    }

    @Test
    void shouldReadRowsWithPathsRelativeToTheFileWhenTheSetIsValid() throws Exception {
        Path file = write("bench-v1.csv", """
                # the first benchmark set
                reference,prompt,reference_video,video,label
                img/a.jpg,"a person smiling, soft light",,,smile

                img/b.png,a person talking,clip.mp4,clip.mp4,
                """);

        EvalSet set = EvalSetParser.read(file);

        assertThat(set.name()).isEqualTo("bench-v1");
        assertThat(set.rows()).hasSize(2);
        EvalSet.Row first = set.rows().get(0);
        assertThat(first.reference()).isEqualTo(dir.resolve("img/a.jpg"));
        assertThat(first.prompt()).isEqualTo("a person smiling, soft light");
        assertThat(first.referenceVideo()).isNull();
        assertThat(first.video()).isNull();
        assertThat(first.label()).isEqualTo("smile");
        assertThat(first.line()).isEqualTo(3);
        EvalSet.Row second = set.rows().get(1);
        assertThat(second.referenceVideo()).isEqualTo(dir.resolve("clip.mp4"));
        assertThat(second.video()).isEqualTo(dir.resolve("clip.mp4"));
        assertThat(second.label()).isNull();
        assertThat(second.line()).isEqualTo(5);
        assertThat(EvalSetParser.read(file, "renamed").name()).isEqualTo("renamed");
    }

    @Test
    void shouldAcceptOnlyTheRequiredColumns() throws Exception {
        Path file = write("minimal.csv", "reference,prompt\nimg/a.jpg,hello\n");
        assertThat(EvalSetParser.read(file).rows()).singleElement().extracting(EvalSet.Row::prompt).isEqualTo("hello");
    }

    @Test
    void shouldListEveryBadRowWithItsLineWhenRowsAreBad() throws Exception {
        Path file = write("bad.csv", """
                reference,prompt,video
                img/a.jpg,fine,
                img/missing.jpg,a prompt,
                img/b.png,   ,
                ,no reference,
                img/a.jpg,fine,nowhere.mp4
                img/a.jpg,too,many,cells
                """);

        assertThatThrownBy(() -> EvalSetParser.read(file))
                .isInstanceOf(EvalSetException.class)
                .hasMessageContaining("has 5 problems")
                .hasMessageContaining("line 3: the reference file img/missing.jpg does not exist")
                .hasMessageContaining("line 4: the prompt is empty")
                .hasMessageContaining("line 5: the reference is empty")
                .hasMessageContaining("line 6: the video file nowhere.mp4 does not exist")
                .hasMessageContaining("line 7: 4 cells, but the header has 3 columns");
    }

    @Test
    void shouldNameTheProblemWhenTheHeaderIsWrong() throws Exception {
        assertThatThrownBy(() -> EvalSetParser.read(write("typo.csv", "reference,promt\nimg/a.jpg,x\n")))
                .hasMessageContaining("line 1: unknown column 'promt'")
                .hasMessageContaining("the header has no 'prompt' column");
        assertThatThrownBy(() -> EvalSetParser.read(write("empty.csv", "reference,prompt\n")))
                .hasMessageContaining("no rows");
        assertThatThrownBy(() -> EvalSetParser.read(dir.resolve("absent.csv")))
                .hasMessageContaining("no such evaluation-set file");
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }
}
