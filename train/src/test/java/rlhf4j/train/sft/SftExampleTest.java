package rlhf4j.train.sft;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import rlhf4j.tokenizer.ChatTemplate;
import rlhf4j.tokenizer.ChatTemplate.Message;
import rlhf4j.tokenizer.Tokenizer;

class SftExampleTest {
    private final Tokenizer tok = SftFixtures.byteChatTokenizer();
    private final ChatTemplate template = new ChatTemplate(tok);

    @Test
    void onlyAssistantTokensAndTheirEndCarryLoss() {
        List<Message> conversation = List.of(new Message("system", "Be brief."), new Message("user", "Hi?"),
                new Message("assistant", "Hello."), new Message("user", "Bye?"), new Message("assistant", "Bye."));
        SftExample e = SftExample.of(template, conversation, 1000);
        int end = tok.specialId(ChatTemplate.END), assistant = tok.specialId(ChatTemplate.ASSISTANT);

        // what must be learnt, built independently of the template: each answer's bytes, then <|end|>
        List<Integer> expected = new ArrayList<>();
        for (String answer : List.of("Hello.", "Bye.")) {
            for (byte b : answer.getBytes(StandardCharsets.UTF_8)) expected.add(b & 0xff);
            expected.add(end);
        }
        List<Integer> trained = new ArrayList<>();
        for (int t : e.targets()) if (t != SftExample.IGNORE) trained.add(t);
        assertThat(trained).isEqualTo(expected);

        // targets are next tokens, and the first trained target of each turn follows <|assistant|>
        for (int t = 0; t + 1 < e.length(); t++) assertThat(e.ids()[t + 1]).isEqualTo(
                e.targets()[t] == SftExample.IGNORE ? e.ids()[t + 1] : e.targets()[t]);
        for (int t = 0; t < e.length(); t++) {
            boolean startsAnswer = e.ids()[t] == assistant;
            if (startsAnswer) assertThat(e.targets()[t]).isNotEqualTo(SftExample.IGNORE);
            if (e.ids()[t] == end || t == 0) assertThat(e.targets()[t]).as("after <|end|> or <|bos|>").isEqualTo(SftExample.IGNORE);
        }
        assertThat(e.truncated()).isFalse();
        assertThat(e.trainedTokens()).isEqualTo(expected.size());
    }

    @Test
    void aConversationLongerThanARowIsCutAndSaysSo() {
        SftExample e = SftExample.of(template, List.of(new Message("user", "x".repeat(50)), new Message("assistant", "y".repeat(50))), 40);
        assertThat(e.length()).isEqualTo(40);
        assertThat(e.truncated()).isTrue();
    }
}
