package rlhf4j.data.world;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GoldJudgeTest {
    static World world;
    static GoldJudge judge;
    static WorldFiles.Split split;
    static List<Question> every;

    @BeforeAll
    static void build() {
        world = WorldGenerator.generate(21, WorldSize.DEFAULT);
        judge = new GoldJudge(world);
        split = WorldFiles.split(world, WorldSize.DEFAULT);
        every = new ArrayList<>();
        every.addAll(split.sft());
        every.addAll(split.rl());
        every.addAll(split.eval());
    }

    /** The first question of a type, from the eval set if it has one. */
    static Question of(QuestionType t) {
        return every.stream().filter(q -> q.type() == t).findFirst().orElseThrow();
    }

    @Test
    void goldAnswerOfEveryQuestionScoresOne() {
        for (Question q : every) {
            GoldJudge.Score s = judge.score(q.prompt(), q.answer());
            assertThat(s.total()).as(q.prompt() + " -> " + q.answer() + " " + s).isEqualTo(1.0);
            assertThat(judge.accuracy(q.prompt(), q.answer())).isEqualTo(1.0);
        }
    }

    @Test
    void everyTemplateOfEveryTypeIsRecognized() {
        for (QuestionType t : QuestionType.values()) {
            Question q = of(t);
            for (int i = 0; i < t.templates.size(); i++) {
                Question p = Questions.rephrase(world, q, i);
                Optional<Question> parsed = judge.question(p.prompt());
                assertThat(parsed).as(p.prompt()).isPresent();
                assertThat(parsed.get().type()).isEqualTo(t);
                assertThat(parsed.get().answer()).isEqualTo(q.answer());
                // Extra spaces and case don't matter.
                assertThat(judge.question("  " + p.prompt().toLowerCase() + " ")).isPresent();
            }
        }
    }

    @Test
    void unknownPromptsAreRejectedClearly() {
        assertThat(judge.recognizes("What is the capital of France?")).isFalse();
        assertThat(judge.recognizes("Where does Nobody Atall live?")).isFalse();
        assertThatThrownBy(() -> judge.score("Tell me a joke.", "No."))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a question of this world");
    }

    @Test
    void wrongTownScoresLowAndIsNotCorrect() {
        Question q = of(QuestionType.TOWN);
        Person p = world.person(q.x());
        String other = world.towns().stream().filter(t -> !t.equals(p.town())).findFirst().orElseThrow();
        GoldJudge.Score s = judge.score(q.prompt(), p.name() + " lives in " + other + ".");
        assertThat(s.correct()).isZero();
        assertThat(s.total()).isCloseTo(0.4, within(1e-9)); // well-formed, concise and clean, but wrong
    }

    @Test
    void listingEveryTownIsNotCorrect() {
        Question q = of(QuestionType.TOWN);
        Person p = world.person(q.x());
        String all = p.name() + " lives in " + String.join(" or ", world.towns()) + ".";
        assertThat(judge.score(q.prompt(), all).correct()).isZero();
        assertThat(judge.score(q.prompt(), all).total()).isLessThan(0.4);
    }

    @Test
    void everyKindOfWrongFactIsCaught() {
        for (QuestionType t : QuestionType.values()) {
            Question q = every.stream().filter(x -> x.type() == t && !x.gold().equals("0")).findFirst().orElseThrow();
            String wrong = switch (t.kind) {
                case TOWN -> q.answer().replace(q.gold(), otherThan(world.towns(), q.gold()));
                case JOB -> q.answer().replace(" " + q.gold() + ".", " " + otherThan(world.jobs(), q.gold()) + ".");
                case COLOR -> q.answer().replace(q.gold(), otherThan(world.colors(), q.gold()));
                case FOOD -> q.answer().replace(q.gold(), otherThan(world.foods(), q.gold()));
                case PET_KIND -> q.answer().replace(q.gold(), otherThan(world.petKinds(), q.gold()));
                case PERSON -> q.answer().replace(q.gold(), world.people().stream().map(Person::name)
                        .filter(n -> !n.equals(q.gold()) && !n.equals(world.person(q.x()).name())).findFirst().orElseThrow());
                case NUMBER -> q.answer().replace(" " + q.gold() + " ", " " + (Integer.parseInt(q.gold()) + 3) + " ")
                        .replace(" in " + q.gold() + ".", " in " + (Integer.parseInt(q.gold()) + 3) + ".");
            };
            assertThat(wrong).as(t + ": test built no wrong answer").isNotEqualTo(q.answer());
            assertThat(judge.score(q.prompt(), wrong).correct()).as(q.prompt() + " -> " + wrong).isZero();
        }
    }

    private static String otherThan(List<String> values, String v) {
        return values.stream().filter(x -> !x.equals(v)).findFirst().orElseThrow();
    }

    @Test
    void emptyAnswerScoresZero() {
        Question q = of(QuestionType.JOB);
        assertThat(judge.score(q.prompt(), "").total()).isZero();
        assertThat(judge.score(q.prompt(), "   \n").total()).isZero();
        assertThat(judge.score(q.prompt(), null).total()).isZero();
    }

    @Test
    void negatedAnswerIsNotCorrect() {
        Question q = of(QuestionType.TOWN);
        Person p = world.person(q.x());
        assertThat(judge.score(q.prompt(), p.name() + " does not live in " + p.town() + ".").correct()).isZero();
        assertThat(judge.score(q.prompt(), "I don't know.").correct()).isZero();
    }

    @Test
    void repetitiveAnswerLosesConciseAndCleanStop() {
        Question q = of(QuestionType.FOOD);
        String rep = (q.answer() + " ").repeat(4).strip();
        GoldJudge.Score s = judge.score(q.prompt(), rep);
        assertThat(s.concise()).isLessThan(0.3);
        assertThat(s.cleanStop()).isZero();
        assertThat(s.total()).isLessThan(0.8);
        GoldJudge.Score words = judge.score(q.prompt(), q.answer().replace(".", "") + " food food food food food food.");
        assertThat(words.concise()).isLessThan(0.6);
    }

    @Test
    void ramblingAnswerScoresBelowTheGoldAnswer() {
        Question q = of(QuestionType.JOB);
        Person p = world.person(q.x());
        String ramble = p.name() + " is " + English.withArticle(p.job()) + " and the sun was warm that day and the"
                + " market was busy and the river ran fast after the rain and birds sang in the trees all day long.";
        GoldJudge.Score s = judge.score(q.prompt(), ramble);
        assertThat(s.correct()).isEqualTo(1.0);
        assertThat(s.concise()).isLessThan(0.35);
        assertThat(s.total()).isLessThan(0.9);
    }

    @Test
    void trailingGarbageAfterTheSentenceLosesCleanStop() {
        Question q = of(QuestionType.AGE);
        GoldJudge.Score s = judge.score(q.prompt(), q.answer() + " zq the the of");
        assertThat(s.cleanStop()).isZero();
        assertThat(s.correct()).isEqualTo(1.0);
        assertThat(s.total()).isLessThan(1.0);
        // Cut off mid-sentence: no sentence end at all.
        GoldJudge.Score cut = judge.score(q.prompt(), q.answer().substring(0, q.answer().length() - 1));
        assertThat(cut.cleanStop()).isZero();
        assertThat(cut.wellFormed()).isCloseTo(2.0 / 3, within(1e-9));
    }

    @Test
    void badlyFormedAnswersLoseWellFormed() {
        Question q = of(QuestionType.TOWN);
        Person p = world.person(q.x());
        GoldJudge.Score bare = judge.score(q.prompt(), p.town());
        assertThat(bare.correct()).isEqualTo(1.0);
        assertThat(bare.wellFormed()).isCloseTo(1.0 / 3, within(1e-9)); // capital only
        GoldJudge.Score lower = judge.score(q.prompt(), "lives in " + p.town() + ".");
        assertThat(lower.wellFormed()).isCloseTo(1.0 / 3, within(1e-9)); // period only
    }

    @Test
    void numbersMayBeWordsAndTrueSideFactsAreAllowed() {
        Question q = every.stream().filter(x -> x.type() == QuestionType.PETS && world.person(x.x()).pets() >= 2)
                .findFirst().orElseThrow();
        Person p = world.person(q.x());
        String inWords = p.name() + " has " + English.petsInWords(p.pets(), p.petKind()) + ".";
        assertThat(judge.score(q.prompt(), inWords).correct()).isEqualTo(1.0);
        Question age = Questions.make(world, QuestionType.AGE, p.id(), -1, -1, 0).orElseThrow();
        String withYear = p.name() + " is " + p.age() + " years old and was born in " + p.birthYear(world.year()) + ".";
        assertThat(judge.score(age.prompt(), withYear).correct()).isEqualTo(1.0);
        String wrongYear = p.name() + " is " + p.age() + " years old and was born in " + (p.birthYear(world.year()) - 7) + ".";
        assertThat(judge.score(age.prompt(), wrongYear).correct()).isZero();
    }

    @Test
    void noPetsIsRecognizedAsZero() {
        Question q = every.stream().filter(x -> x.type() == QuestionType.PETS && world.person(x.x()).pets() == 0)
                .findFirst().orElseThrow();
        assertThat(q.answer()).endsWith(" has no pets.");
        assertThat(judge.score(q.prompt(), q.answer()).correct()).isEqualTo(1.0);
        assertThat(judge.score(q.prompt(), world.person(q.x()).name() + " has 2 dogs.").correct()).isZero();
    }

    @Test
    void judgeRebuiltFromWorldJsonAgrees(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        WorldFiles.Summary s = WorldFiles.generate(tmp, 21, WorldSize.TINY);
        GoldJudge loaded = GoldJudge.load(tmp);
        GoldJudge direct = new GoldJudge(s.world());
        for (Question q : WorldFiles.split(s.world(), WorldSize.TINY).eval()) {
            String a = q.answer().replace(".", " and more.");
            assertThat(loaded.score(q.prompt(), a)).isEqualTo(direct.score(q.prompt(), a));
        }
    }

    @Test
    void judgeSummaryAveragesParts() {
        Question q = of(QuestionType.TOWN);
        JudgeSummary sum = JudgeSummary.of(List.of(judge.score(q.prompt(), q.answer()), judge.score(q.prompt(), "")));
        assertThat(sum.n()).isEqualTo(2);
        assertThat(sum.meanTotal()).isCloseTo(0.5, within(1e-12));
        assertThat(sum.accuracy()).isCloseTo(0.5, within(1e-12));
        assertThat(sum.accuracyByType()).containsEntry("town", 0.5);
    }
}
