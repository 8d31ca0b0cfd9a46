package rlhf4j.data.sft;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import rlhf4j.tokenizer.ChatTemplate.Message;

/**
 * Reader for supervised fine-tuning data in TRL's two formats, one JSON object a line:
 * <pre>
 *   {"messages": [{"role": "system"|"user"|"assistant", "content": "..."}, ...]}   conversational
 *   {"prompt": "...", "completion": "..."}                                           prompt–completion
 * </pre>
 * A prompt–completion pair becomes a user turn and an assistant turn (either side may also be a
 * list of messages, as TRL's conversational prompt–completion form). Every conversation must hold
 * at least one assistant turn, since only assistant turns are trained on. Other keys are ignored.
 */
public final class SftDataset {
    private SftDataset() {
    }

    /** One training conversation and the line it came from (for messages that point at the data). */
    public record Conversation(List<Message> messages, int line) {
    }

    public static List<Conversation> read(Path file) {
        return JsonlFile.read(file, SftDataset::parse);
    }

    static Conversation parse(JsonNode node, int line) {
        List<Message> messages;
        if (node.has("messages")) {
            messages = Messages.parse(node.get("messages"), "messages");
        } else if (node.has("prompt") || node.has("completion")) {
            if (!node.has("completion")) throw new JsonlFile.LineError("has 'prompt' but no 'completion'");
            if (!node.has("prompt")) throw new JsonlFile.LineError("has 'completion' but no 'prompt'");
            messages = new ArrayList<>(Messages.textOrMessages(node, "prompt", "user"));
            messages.addAll(Messages.textOrMessages(node, "completion", "assistant"));
        } else {
            throw new JsonlFile.LineError("expected {\"messages\": [...]} or {\"prompt\": ..., \"completion\": ...}, found keys "
                    + fieldNames(node));
        }
        boolean learnable = false;
        for (Message m : messages) learnable |= m.role().equals("assistant");
        if (!learnable) throw new JsonlFile.LineError("no assistant message, so nothing to learn");
        return new Conversation(List.copyOf(messages), line);
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
