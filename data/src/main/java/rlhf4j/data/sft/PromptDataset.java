package rlhf4j.data.sft;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import rlhf4j.tokenizer.ChatTemplate.Message;

/**
 * Reader for prompt files (RL prompts, eval questions, batch generation), one JSON object a line:
 * {@code {"prompt": "..."}} or {@code {"messages": [...]}} ending with a user turn. The whole line
 * is kept as {@code source}, so extra keys (an id, a gold answer) travel along.
 */
public final class PromptDataset {
    private PromptDataset() {
    }

    /**
     * @param messages the conversation to answer; its last message is a user turn
     * @param text     the last user message (what a judge reads)
     * @param source   the line as read
     */
    public record Prompt(List<Message> messages, String text, JsonNode source, int line) {
    }

    public static List<Prompt> read(Path file) {
        return JsonlFile.read(file, PromptDataset::parse);
    }

    static Prompt parse(JsonNode node, int line) {
        List<Message> messages;
        if (node.has("prompt")) {
            messages = Messages.textOrMessages(node, "prompt", "user");
        } else if (node.has("messages")) {
            messages = Messages.parse(node.get("messages"), "messages");
        } else {
            throw new JsonlFile.LineError("expected {\"prompt\": ...} or {\"messages\": [...]}, found keys " + SftDataset.fieldNames(node));
        }
        Message last = messages.get(messages.size() - 1);
        if (!last.role().equals("user")) throw new JsonlFile.LineError("the last message must be a user turn to answer, got '"
                + last.role() + "'");
        return new Prompt(List.copyOf(messages), last.content(), node, line);
    }
}
