package rlhf4j.data.world;

/**
 * One question instance about the world and its canonical answer.
 *
 * @param id       stable id: type key, subject ids and parameter, e.g. "age_future-17-5"
 * @param x        the subject's person id
 * @param y        the second person named in the question (AGE_DIFF, PETS_TOTAL), else -1
 * @param n        the number in the question (AGE_FUTURE's years), else -1
 * @param template which of the type's phrasings the prompt uses
 * @param answer   the canonical answer: one short sentence stating the fact
 * @param gold     the asked value alone: a town, job, pet kind, colour, food, full name, or a number
 */
public record Question(String id, QuestionType type, int x, int y, int n, int template, String prompt,
                       String answer, String gold) {
}
