/** Preference data for reward modeling: pairwise and K-wise comparisons, with ties. */
package rlhf4j.data.preference;
