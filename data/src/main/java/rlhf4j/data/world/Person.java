package rlhf4j.data.world;

/**
 * One invented person and every fact the world states about them. Relations hold other people's
 * ids ({@code -1}: none); each relation is symmetric and each person has at most one of each.
 *
 * @param pets     how many pets (0–4), all of kind {@code petKind} (null when {@code pets == 0})
 * @param sibling  id of their brother or sister (they share a last name), or -1
 * @param friend   id of their best friend, or -1
 * @param coworker id of the person they work with (same job, same town), or -1
 */
public record Person(int id, String first, String last, boolean female, int age, String town, String job,
                     int pets, String petKind, String color, String food, int sibling, int friend, int coworker) {

    /** The full name, e.g. "Mara Velden"; first names are unique in a world, so this is too. */
    public String name() {
        return first + " " + last;
    }

    public String subjectPronoun() {
        return female ? "she" : "he";
    }

    public String possessive() {
        return female ? "her" : "his";
    }

    /** "brother" or "sister": how others name this person as a sibling. */
    public String siblingWord() {
        return female ? "sister" : "brother";
    }

    public int birthYear(int worldYear) {
        return worldYear - age;
    }
}
