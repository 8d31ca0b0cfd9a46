/** Corpus ingestion, cleaning, deduplication, token shards, dataset readers, and the built-in world. */
package rlhf4j.data;
