/**
 * What the decoders' fuzz properties ({@code *FuzzTest}, next to each decoder) share: {@link
 * org.opencloud.discovery.fuzz.FuzzInputs}, jqwik arbitraries of bytes that start from valid messages our
 * encoders wrote and mutate them (bit flips, truncations, length fields set to extremes, splices,
 * repetitions), so inputs get past the first length check; and {@link
 * org.opencloud.discovery.fuzz.DecoderFuzz}, which runs one input through a decoder with a deadline and
 * checks that it returned or threw the decoder's documented rejection, and allocated no more than a bound
 * linear in the input's size. A new decoder's fuzzing is one class: its seeds, its rejection type, its
 * bound, and a {@code @Property} calling {@link org.opencloud.discovery.fuzz.DecoderFuzz#check}.
 */
package org.opencloud.discovery.fuzz;
