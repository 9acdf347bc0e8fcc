package dev.idstream.core.generator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteTokenizerTest {

    private final ByteTokenizer tokenizer = new ByteTokenizer(8, 0, 1, 3);

    @Test
    void shouldOffsetBytesAndEndWithEosWhenShort() {
        assertThat(tokenizer.encode("ab")).containsExactly('a' + 3, 'b' + 3, 1, 0, 0, 0, 0, 0);
    }

    @Test
    void shouldEncodeOnlyEosWhenEmpty() {
        assertThat(tokenizer.encode("")).containsExactly(1, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void shouldCutAtMaxLengthMinusOneBytesWhenLong() {
        assertThat(tokenizer.encode("abcdefghij")).containsExactly('a' + 3, 'b' + 3, 'c' + 3, 'd' + 3, 'e' + 3,
                'f' + 3, 'g' + 3, 1);
    }

    @Test
    void shouldEncodeUtf8BytesWhenNotAscii() {
        // "é" is C3 A9 in UTF-8
        assertThat(tokenizer.encode("é")).containsExactly(0xC3 + 3, 0xA9 + 3, 1, 0, 0, 0, 0, 0);
    }
}
