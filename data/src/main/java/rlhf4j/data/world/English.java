package rlhf4j.data.world;

/** The few bits of English grammar the templates need: articles, plurals, counted nouns. */
final class English {
    private English() {}

    static final String[] SMALL_NUMBERS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
            "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
            "nineteen", "twenty"};

    /** "a baker", "an owl". */
    static String withArticle(String noun) {
        return ("aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
    }

    static String plural(String noun) {
        if (noun.equals("fish") || noun.equals("sheep")) return noun;
        if (noun.endsWith("s") || noun.endsWith("sh") || noun.endsWith("ch")) return noun + "es";
        return noun + "s";
    }

    /** "1 year", "5 years". */
    static String years(int n) {
        return n + (n == 1 ? " year" : " years");
    }

    /** "no pets", "1 cat", "3 cats": how the canonical answers state a pet count. */
    static String pets(int n, String kind) {
        if (n == 0) return "no pets";
        return n + " " + (n == 1 ? kind : plural(kind));
    }

    /** "no pets", "1 pet", "5 pets": a count of pets of mixed kinds. */
    static String petsTotal(int n) {
        if (n == 0) return "no pets";
        return n + (n == 1 ? " pet" : " pets");
    }

    /** "one cat", "three cats": the spelled-out form the corpus sometimes uses instead of digits. */
    static String petsInWords(int n, String kind) {
        if (n == 0) return "no pets";
        return SMALL_NUMBERS[n] + " " + (n == 1 ? kind : plural(kind));
    }

    static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
