package rlhf4j.data.world;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Invents a world from a seed: unique people with made-up names living in made-up towns, each with
 * a job, an age, pets, favourite things and up to three relations. Same seed and size, same world.
 */
public final class WorldGenerator {
    /** The world's "now": ages are counted to this year. */
    public static final int YEAR = 2024;

    static final List<String> JOBS = List.of("baker", "farmer", "teacher", "doctor", "fisher", "builder", "painter",
            "nurse", "cook", "driver", "singer", "tailor", "miller", "smith", "guard", "potter", "weaver", "sailor");
    static final List<String> PET_KINDS = List.of("cat", "dog", "bird", "rabbit", "goat", "horse", "duck");
    static final List<String> COLORS = List.of("red", "blue", "green", "yellow", "white", "black", "orange",
            "purple", "pink", "brown", "grey", "gold");
    static final List<String> FOODS = List.of("bread", "soup", "cheese", "rice", "cake", "honey", "pie", "stew",
            "porridge", "plums", "pears", "apples", "beans", "eggs", "nuts");

    // Names are glued from syllables so they look like names but are in no real language.
    private static final String[] ONSETS = {"b", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t",
            "v", "z", "br", "dr", "tr", "th", "kl", "st"};
    private static final String[] VOWELS = {"a", "e", "i", "o", "u", "a", "e", "o", "ai", "ia"};
    private static final String[] CODAS = {"", "", "n", "l", "r", "s", "th", "k", "ra", "na", "la", "wen", "rin", "dor"};
    private static final String[] LAST_HEADS = {"Vel", "Dor", "Bran", "Mar", "Hol", "Fen", "Ash", "Cor", "Wil",
            "Gar", "Lun", "Thorn", "Pell", "Kess", "Rand", "Sel", "Ost", "Brim", "Cal", "Heth"};
    private static final String[] LAST_TAILS = {"den", "by", "ton", "well", "more", "ley", "son", "field", "gate",
            "ridge", "ham", "worth"};
    private static final String[] TOWN_HEADS = {"Tor", "Bren", "Ald", "Hal", "Mer", "Wen", "Dun", "Fal", "Kel",
            "Sor", "Ember", "Gleb", "Ivy", "Oak", "Stone", "Rook", "Elm", "Marsh", "Brook", "Frost", "Quill", "Yel"};
    private static final String[] TOWN_TAILS = {"wick", "moor", "ford", "dale", "stead", "holm", "bury", "mouth",
            "vale", "crest", "haven", "hollow"};
    /** Glued syllables that happen to be English words would blur the facts; keep them out. */
    private static final Set<String> REAL_WORDS = Set.copyOf(List.of("bread", "stone", "later", "taken", "token", "motor",
            "data", "dare", "done", "gone", "home", "more", "none", "some", "tone", "zone", "bone", "lone", "note",
            "sale", "tale", "male", "dale", "pale", "kale", "hole", "pole", "role", "sole", "mile", "tile", "bite",
            "kite", "site", "ride", "side", "tide", "wide", "rose", "nose", "hose", "lose", "pose", "dose", "base",
            "case", "vase", "rise", "wise", "fuse", "muse", "ruse", "robin", "salon", "melon", "lemon", "demon",
            "baron", "bison", "siren", "tenor", "manor", "minor", "major", "mayor", "honor", "humor", "like", "live",
            "time", "take", "make", "save", "gave", "have", "move", "love", "dove", "sore", "tore", "bore", "more",
            "here", "there", "were", "sure", "pure", "lure", "nine", "pine", "fine", "line", "mine", "dine", "bake",
            "lake", "rake", "fake", "sake", "joke", "poke", "woke", "tune", "dune", "rule", "mule", "late", "gate",
            "hate", "rate", "date", "fate", "mate", "note", "vote", "zero", "hero", "radio", "piano", "solo", "soda",
            "tuna", "lava", "sofa", "diva", "koala", "banana", "potato", "tomato", "domino", "salami"));

    private WorldGenerator() {}

    public static World generate(long seed, WorldSize size) {
        WorldRng rng = new WorldRng(seed);
        int n = size.people();

        Set<String> lastNames = new HashSet<>();
        for (String h : LAST_HEADS) for (String t : LAST_TAILS) lastNames.add(h + t);
        List<String> towns = inventTowns(rng.fork(1), size.towns(), lastNames);

        Set<String> taken = new HashSet<>();
        for (String s : lastNames) taken.add(s.toLowerCase(Locale.ROOT));
        for (String s : towns) taken.add(s.toLowerCase(Locale.ROOT));
        taken.addAll(JOBS); taken.addAll(PET_KINDS); taken.addAll(COLORS); taken.addAll(FOODS);

        WorldRng r = rng.fork(2);
        String[] first = new String[n], last = new String[n], town = new String[n], job = new String[n];
        String[] petKind = new String[n], color = new String[n], food = new String[n];
        boolean[] female = new boolean[n];
        int[] age = new int[n], pets = new int[n], sibling = new int[n], friend = new int[n], coworker = new int[n];
        java.util.Arrays.fill(sibling, -1);
        java.util.Arrays.fill(friend, -1);
        java.util.Arrays.fill(coworker, -1);

        for (int i = 0; i < n; i++) {
            first[i] = inventFirstName(r, taken);
            female[i] = r.chance(0.5);
            town[i] = r.pick(towns);
            job[i] = r.pick(JOBS);
            age[i] = r.between(20, 70);
            pets[i] = petCount(r);
            petKind[i] = pets[i] == 0 ? null : r.pick(PET_KINDS);
            color[i] = r.pick(COLORS);
            food[i] = r.pick(FOODS);
            // About a third of people come as a sibling pair: same last name, ages a few years apart.
            if (i > 0 && sibling[i - 1] < 0 && r.chance(0.35)) {
                sibling[i] = i - 1;
                sibling[i - 1] = i;
                last[i] = last[i - 1];
                age[i] = Math.clamp(age[i - 1] + (r.chance(0.5) ? 1 : -1) * r.between(1, 8), 18, 75);
            } else {
                last[i] = r.pick(LAST_HEADS) + r.pick(LAST_TAILS);
            }
        }

        // Best friends and coworkers: random pairings over a shuffled order, never with a sibling.
        pairUp(rng.fork(3), n, 0.6, friend, sibling, null);
        pairUp(rng.fork(4), n, 0.4, coworker, sibling, friend);
        for (int i = 0; i < n; i++) {
            int j = coworker[i];
            if (j > i) { // people who work together share a job and a town
                job[j] = job[i];
                town[j] = town[i];
            }
        }

        List<Person> people = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            people.add(new Person(i, first[i], last[i], female[i], age[i], town[i], job[i], pets[i], petKind[i],
                    color[i], food[i], sibling[i], friend[i], coworker[i]));
        }
        return new World(seed, size.name(), YEAR, towns, JOBS, PET_KINDS, COLORS, FOODS,
                people);
    }

    private static int petCount(WorldRng r) {
        double u = r.nextDouble(); // 0: 20%, 1: 30%, 2: 25%, 3: 15%, 4: 10%
        return u < 0.2 ? 0 : u < 0.5 ? 1 : u < 0.75 ? 2 : u < 0.9 ? 3 : 4;
    }

    private static List<String> inventTowns(WorldRng r, int count, Set<String> lastNames) {
        if (count > TOWN_HEADS.length * TOWN_TAILS.length) throw new IllegalArgumentException("too many towns: " + count);
        List<String> towns = new ArrayList<>();
        Set<String> heads = new HashSet<>();
        while (towns.size() < count) {
            String head = r.pick(TOWN_HEADS);
            // Distinct heads while they last, so towns don't differ only in their ending.
            if (heads.size() < TOWN_HEADS.length && heads.contains(head)) continue;
            String t = head + r.pick(TOWN_TAILS);
            if (towns.contains(t) || lastNames.contains(t)) continue;
            heads.add(head);
            towns.add(t);
        }
        return towns;
    }

    private static String inventFirstName(WorldRng r, Set<String> taken) {
        while (true) {
            StringBuilder sb = new StringBuilder();
            int syllables = 2; // short names cost a small BPE vocabulary few tokens
            for (int s = 0; s < syllables; s++) sb.append(r.pick(ONSETS)).append(r.pick(VOWELS));
            sb.append(r.pick(CODAS));
            String name = sb.toString();
            if (name.length() < 4 || name.length() > 8 || REAL_WORDS.contains(name) || !taken.add(name)) continue;
            return English.capitalize(name);
        }
    }

    /** Pairs about {@code fraction} of people into symmetric relations, skipping pairs already related. */
    private static void pairUp(WorldRng r, int n, double fraction, int[] rel, int[] notWith1, int[] notWith2) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) order.add(i);
        r.shuffle(order);
        int want = (int) (n * fraction) / 2 * 2;
        List<Integer> pool = new ArrayList<>(order.subList(0, want));
        while (pool.size() >= 2) {
            int a = pool.removeFirst();
            for (int k = 0; k < pool.size(); k++) {
                int b = pool.get(k);
                if (notWith1[a] == b || (notWith2 != null && notWith2[a] == b)) continue;
                pool.remove(k);
                rel[a] = b;
                rel[b] = a;
                break;
            }
        }
    }
}
