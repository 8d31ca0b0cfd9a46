package rlhf4j.data.world;

import java.util.List;

/**
 * A generated world: its people and the closed vocabularies their facts are drawn from. This is
 * what {@code world.json} holds, so the gold judge can be rebuilt from it without the generator.
 *
 * @param year the world's "now": ages are as of this year, birth year = year - age
 */
public record World(long seed, String size, int year, List<String> towns, List<String> jobs,
                    List<String> petKinds, List<String> colors, List<String> foods, List<Person> people) {

    public World {
        towns = List.copyOf(towns);
        jobs = List.copyOf(jobs);
        petKinds = List.copyOf(petKinds);
        colors = List.copyOf(colors);
        foods = List.copyOf(foods);
        people = List.copyOf(people);
        for (int i = 0; i < people.size(); i++) {
            if (people.get(i).id() != i) throw new IllegalArgumentException("person " + i + " has id " + people.get(i).id());
        }
    }

    public Person person(int id) {
        return people.get(id);
    }
}
