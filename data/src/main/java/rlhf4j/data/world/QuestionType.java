package rlhf4j.data.world;

import java.util.List;
import java.util.Locale;

/**
 * Every kind of question the world asks, with the phrasings a prompt may take. {@code {X}} and
 * {@code {Y}} stand for full names, {@code {N}} for a small number of years.
 */
public enum QuestionType {
    TOWN(Kind.TOWN, "Where does {X} live?", "In which town does {X} live?", "What town does {X} live in?"),
    JOB(Kind.JOB, "What does {X} do for work?", "What is {X}'s job?", "What job does {X} have?"),
    AGE(Kind.NUMBER, "How old is {X}?", "What is {X}'s age?"),
    BIRTH_YEAR(Kind.NUMBER, "In what year was {X} born?", "When was {X} born?"),
    PETS(Kind.NUMBER, "How many pets does {X} have?", "How many pets does {X} keep?"),
    PET_KIND(Kind.PET_KIND, "What kind of pet does {X} have?", "What pets does {X} keep?"),
    COLOR(Kind.COLOR, "What is {X}'s favourite colour?", "Which colour does {X} like best?"),
    FOOD(Kind.FOOD, "What is {X}'s favourite food?", "Which food does {X} like best?"),
    SIBLING(Kind.PERSON, "Who is {X}'s sibling?", "What is the name of {X}'s sibling?"),
    FRIEND(Kind.PERSON, "Who is {X}'s best friend?", "Who is the best friend of {X}?"),
    COWORKER(Kind.PERSON, "Who does {X} work with?", "Who is {X}'s coworker?"),
    AGE_FUTURE(Kind.NUMBER, "How old will {X} be in {N} years?", "In {N} years, how old will {X} be?"),
    AGE_DIFF(Kind.NUMBER, "How many years older is {X} than {Y}?", "How much older is {X} than {Y}?"),
    PETS_TOTAL(Kind.NUMBER, "How many pets do {X} and {Y} have together?",
            "How many pets do {X} and {Y} have in total?");

    /** What sort of value the answer names; a contradiction is another value of the same sort. */
    public enum Kind { TOWN, JOB, NUMBER, PET_KIND, COLOR, FOOD, PERSON }

    public final Kind kind;
    public final List<String> templates;

    QuestionType(Kind kind, String... templates) {
        this.kind = kind;
        this.templates = List.of(templates);
    }

    /** The name used in the files, e.g. "age_future". */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean twoPeople() {
        return this == AGE_DIFF || this == PETS_TOTAL;
    }

    public static QuestionType fromKey(String key) {
        return valueOf(key.toUpperCase(Locale.ROOT));
    }
}
