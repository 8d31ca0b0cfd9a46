package rlhf4j.data.sft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rlhf4j.tokenizer.ChatTemplate.Message;

class SftDatasetTest {
    @TempDir
    Path tmp;

    private Path file(String... lines) throws Exception {
        Path f = tmp.resolve("data.jsonl");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    @Test
    void readsConversationsAndPromptCompletionPairs() throws Exception {
        Path f = file(
                "{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello.\"}]}",
                "",
                "{\"prompt\": \"Where does Ana live?\", \"completion\": \"Ana lives in Oakford.\", \"id\": 7}",
                "{\"prompt\": [{\"role\": \"user\", \"content\": \"Q\"}], \"completion\": [{\"role\": \"assistant\", \"content\": \"A\"}]}");
        List<SftDataset.Conversation> cs = SftDataset.read(f);
        assertThat(cs).hasSize(3);
        assertThat(cs.get(0).messages()).extracting(Message::role).containsExactly("system", "user", "assistant");
        assertThat(cs.get(1).messages()).containsExactly(new Message("user", "Where does Ana live?"),
                new Message("assistant", "Ana lives in Oakford."));
        assertThat(cs.get(1).line()).isEqualTo(3);
        assertThat(cs.get(2).messages()).containsExactly(new Message("user", "Q"), new Message("assistant", "A"));
    }

    @Test
    void malformedLinesNameTheFileTheLineAndTheProblem() throws Exception {
        String ok = "{\"prompt\": \"q\", \"completion\": \"a\"}";
        expectError(file(ok, "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}"), ":2: not valid JSON");
        expectError(file(ok, ok, "[1, 2]"), ":3: expected a JSON object, got array");
        expectError(file("{\"text\": \"hello\"}"), ":1: expected {\"messages\": [...]} or {\"prompt\": ..., \"completion\": ...}, found keys [text]");
        expectError(file("{\"messages\": \"hi\"}"), ":1: 'messages' must be a list");
        expectError(file("{\"messages\": []}"), ":1: 'messages' is an empty list");
        expectError(file("{\"messages\": [{\"role\": \"bot\", \"content\": \"x\"}]}"), ":1: messages[0]: role must be system, user or assistant, got 'bot'");
        expectError(file("{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\"}]}"), ":1: messages[1]: 'content' is missing");
        expectError(file("{\"messages\": [{\"role\": \"user\", \"content\": 5}, {\"role\": \"assistant\", \"content\": \"a\"}]}"),
                ":1: messages[0]: 'content' must be a string, got number");
        expectError(file("{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}]}"), ":1: no assistant message, so nothing to learn");
        expectError(file("{\"prompt\": \"q\"}"), ":1: has 'prompt' but no 'completion'");
        expectError(file("{\"prompt\": \"q\", \"completion\": 3}"), ":1: 'completion' must be a string or a list of messages, got number");
        expectError(file(""), ": no examples");
        assertThatThrownBy(() -> SftDataset.read(tmp.resolve("missing.jsonl"))).hasMessageContaining("missing.jsonl: no such file");
    }

    @Test
    void promptFilesTakePromptsOrConversationsEndingWithAUserTurn() throws Exception {
        Path f = file("{\"prompt\": \"What is 2?\", \"answer\": \"Two.\"}",
                "{\"messages\": [{\"role\": \"system\", \"content\": \"S\"}, {\"role\": \"user\", \"content\": \"U\"}]}");
        List<PromptDataset.Prompt> ps = PromptDataset.read(f);
        assertThat(ps.get(0).messages()).containsExactly(new Message("user", "What is 2?"));
        assertThat(ps.get(0).text()).isEqualTo("What is 2?");
        assertThat(ps.get(0).source().get("answer").asText()).isEqualTo("Two.");
        assertThat(ps.get(1).messages()).hasSize(2);
        assertThat(ps.get(1).text()).isEqualTo("U");
        assertThatThrownBy(() -> PromptDataset.read(file("{\"prompt\": \"q\"}",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", \"content\": \"a\"}]}")))
                .hasMessageEndingWith("data.jsonl:2: the last message must be a user turn to answer, got 'assistant'");
    }

    private void expectError(Path f, String fragment) {
        assertThatThrownBy(() -> SftDataset.read(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(f.getFileName() + fragment);
    }
}
