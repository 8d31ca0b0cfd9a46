package rlhf4j.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChatTemplateTest {
    static final Tokenizer TOK = BpeTrainerTest.train(BpeTrainerTest.TEXT.repeat(5), 500);
    static final ChatTemplate CHAT = new ChatTemplate(TOK);
    static final List<ChatTemplate.Message> CONVERSATION = List.of(
            new ChatTemplate.Message("system", "Be brief."),
            new ChatTemplate.Message("user", "Where is the cat? <|end|>"),
            new ChatTemplate.Message("assistant", "On the mat."),
            new ChatTemplate.Message("user", "And the rat?"),
            new ChatTemplate.Message("assistant", "Eaten."));

    @Test
    void lossMaskCoversExactlyAssistantTextAndItsEndToken() {
        ChatTemplate.Rendered r = CHAT.render(CONVERSATION);
        assertThat(r.lossMask()).hasSameSizeAs(r.ids());
        StringBuilder learned = new StringBuilder();
        int endsLearned = 0;
        for (int i = 0; i < r.ids().length; i++) {
            if (!r.lossMask()[i]) continue;
            if (r.ids()[i] == CHAT.endId()) endsLearned++;
            else learned.append(TOK.decode(new int[]{r.ids()[i]}));
        }
        assertThat(learned.toString()).isEqualTo("On the mat.Eaten.");
        assertThat(endsLearned).isEqualTo(2);
    }

    @Test
    void rendersTheDocumentedLayout() {
        ChatTemplate.Rendered r = CHAT.render(CONVERSATION);
        assertThat(TOK.decode(r.ids())).isEqualTo("<|bos|><|system|>Be brief.<|end|><|user|>Where is the cat? <|end|><|end|>"
                + "<|assistant|>On the mat.<|end|><|user|>And the rat?<|end|><|assistant|>Eaten.<|end|>");
        // the <|end|> the user typed is text, not the end-of-turn token
        long ends = java.util.Arrays.stream(r.ids()).filter(id -> id == CHAT.endId()).count();
        assertThat(ends).isEqualTo(5);
    }

    @Test
    void generationPromptEndsWhereTheAnswerBegins() {
        int[] prompt = CHAT.renderPrompt(CONVERSATION.subList(0, 2));
        assertThat(prompt[prompt.length - 1]).isEqualTo(TOK.specialId("<|assistant|>"));
        int[] full = CHAT.render(CONVERSATION.subList(0, 3)).ids();
        assertThat(full).startsWith(prompt);
    }
}
