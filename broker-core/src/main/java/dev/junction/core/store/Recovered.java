package dev.junction.core.store;

import dev.junction.core.store.Definition.QueueDefinition;

import java.util.List;
import java.util.Map;

/**
 * What a previous run left: live definitions in the order they were made, each queue with its id, and the
 * unsettled messages in the order they were written (which is each publisher's order), without their bodies.
 */
public record Recovered(List<Definition> definitions, Map<QueueDefinition, Long> queueIds,
                        RecoveredMessages messages) {

    public static final Recovered NOTHING = new Recovered(List.of(), Map.of(), RecoveredMessages.NONE);

    public Recovered {
        definitions = List.copyOf(definitions);
        queueIds = Map.copyOf(queueIds);
    }
}
