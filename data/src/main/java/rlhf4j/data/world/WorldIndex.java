package rlhf4j.data.world;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Name lookups over one world, built once (first names are unique within a world). */
final class WorldIndex {
    final World world;
    private final Map<String, Person> byName = new HashMap<>();
    private final Map<String, Person> byFirst = new HashMap<>();

    WorldIndex(World world) {
        this.world = world;
        for (Person p : world.people()) {
            byName.put(p.name().toLowerCase(Locale.ROOT), p);
            byFirst.put(p.first().toLowerCase(Locale.ROOT), p);
        }
    }

    /** By full name, case-insensitive; null if nobody is called that. */
    Person byName(String fullName) {
        return byName.get(fullName.strip().toLowerCase(Locale.ROOT));
    }

    /** By first name (a lower-case word), null if none. */
    Person byFirst(String firstLower) {
        return byFirst.get(firstLower);
    }
}
