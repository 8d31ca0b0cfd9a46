package rlhf4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Tokenizer#truncated}: a vocabulary cut to fit a model with fewer embedding rows. */
class TruncatedTokenizerTest {
    @TempDir Path dir;

    @Test
    void cutKeepsTheFirstIdsAndMovesSpecialTokensBelowTheCut() throws Exception {
        // trained specials sit after the merges; two more follow them
        Tokenizer tok = BpeTrainerTest.train(BpeTrainerTest.TEXT.repeat(10), 340).withSpecialTokens(List.of("<|a|>", "<|b|>"));
        int specials = tok.specialTokens().size();
        int size = tok.vocabSize() - specials - 5; // every special past the cut, five merges dropped
        Tokenizer cut = tok.truncated(size);

        assertThat(cut.vocabSize()).isEqualTo(size);
        assertThat(cut.specialTokens().keySet()).containsExactlyElementsOf(tok.specialTokens().keySet());
        // specials keep their order, on the last ids below the cut
        int expected = size - specials;
        for (String s : tok.specialTokens().keySet()) assertThat(cut.specialId(s)).as(s).isEqualTo(expected++);
        for (int id = 0; id < size - specials; id++) {
            assertThat(cut.tokenBytes(id)).isEqualTo(tok.tokenBytes(id));
            assertThat(cut.priority(id)).isEqualTo(tok.priority(id));
        }

        String text = BpeTrainerTest.TEXT + " the cat's theory";
        int[] ids = cut.encode(text);
        assertThat(java.util.Arrays.stream(ids).max().orElseThrow()).isLessThan(size - specials);
        assertThat(cut.decode(ids)).isEqualTo(text);
        assertThat(cut.encode("<|b|>", null)).containsExactly(size - 1);

        // still a consistent BPE: every kept token is one merge of kept tokens, so tokenizer.json holds it
        Tokenizer back = Tokenizers.load(Tokenizers.save(cut, dir.resolve("cut")).getParent().toString());
        assertThat(back.encode(text)).isEqualTo(ids);
        assertThat(back.specialTokens()).isEqualTo(cut.specialTokens());
    }

    @Test
    void theFullSizeIsTheSameTokenizerAndALargerOneIsRefused() {
        Tokenizer tok = BpeTrainerTest.train(BpeTrainerTest.TEXT, 280);
        assertThat(tok.truncated(tok.vocabSize())).isSameAs(tok);
        assertThatThrownBy(() -> tok.truncated(tok.vocabSize() + 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be cut");
    }
}
