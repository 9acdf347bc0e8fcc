package dev.idstream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** bundle.json's {@code preprocessing} mean/std: read as given, refused with the field named when unusable. */
class NormalizationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Normalization of(String json) throws Exception {
        return Normalization.of(JSON.readTree(json));
    }

    @Test
    void shouldReadMeanAndStdInTheModelsChannelOrder() throws Exception {
        Normalization n = of("{\"mean\": [127.5, 127.5, 127.5], \"std\": [128, 64, 32], \"colorOrder\": \"BGR\", \"layout\": \"NCHW\"}");

        assertThat(n.mean()).containsExactly(127.5f, 127.5f, 127.5f);
        assertThat(n.std()).containsExactly(128f, 64f, 32f);
        assertThat(n.bgr()).isTrue();
        assertThat(n.channelsFirst()).isTrue();
    }

    @Test
    void shouldNameTheEntryThatIsNotANumber() {
        assertThatThrownBy(() -> of("{\"mean\": [127.5, \"127.5\", 127.5], \"std\": [128, 128, 128]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("preprocessing.mean[1] is \"127.5\"; it must be a number");
        assertThatThrownBy(() -> of("{\"mean\": [0, 0, 0], \"std\": [1, 1, null]}"))
                .hasMessage("preprocessing.std[2] is null; it must be a number");
    }

    @Test
    void shouldRefuseAStdOfZero() {
        assertThatThrownBy(() -> of("{\"mean\": [0, 0, 0], \"std\": [1, 0.0, 1]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("preprocessing.std[1] is 0.0; it must be a non-zero number (the model input is divided by it)");
    }

    @Test
    void shouldRefuseAnythingButThreeValues() {
        assertThatThrownBy(() -> of("{\"mean\": [0, 0], \"std\": [1, 1, 1]}"))
                .hasMessage("preprocessing.mean must be 3 numbers, got [0,0]");
    }
}
