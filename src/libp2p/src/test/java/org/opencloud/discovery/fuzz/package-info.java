/**
 * What the decoders' fuzz properties ({@code *FuzzTest}, next to each decoder) share: {@link
 * org.opencloud.discovery.fuzz.FuzzInputs}, jqwik arbitraries of bytes that start from valid messages our
 * encoders wrote and mutate them (bit flips, truncations, length fields set to extremes, splices,
 * repetitions), so inputs get past the first length check; {@link org.opencloud.discovery.fuzz.FuzzChannels},
 * which feeds Netty handlers in random chunkings through an {@code EmbeddedChannel}; and {@link
 * org.opencloud.discovery.fuzz.DecoderFuzz}, which runs one input through a decoder with a deadline and checks
 * that it returned or threw the decoder's documented rejection, and allocated no more than a bound linear in
 * the input's size.
 *
 * <p>A new decoder's fuzzing is one class beside it, as {@code GossipsubFuzzTest} is for gossipsub's RPC frames:
 * <pre>{@code
 * class GossipsubFuzzTest {
 *     private static final DecoderFuzz RPC = DecoderFuzz.of("gossipsub RPC",
 *             FuzzChannels.FIXED_BYTES, FuzzChannels.PER_INPUT_BYTE, Libp2pException.class);
 *
 *     @AfterContainer
 *     static void summary() {
 *         System.out.println(RPC.summary());
 *     }
 *
 *     @Provide
 *     Arbitrary<byte[]> rpcs() { // seeds: frames our encoder writes (subscribe, publish, IHAVE, PRUNE...)
 *         return FuzzInputs.mutationsOf(List.of(framed(subscribe), framed(publish), framed(control)), 4 * MAX_RPC);
 *     }
 *
 *     @Property
 *     void anRpcIsReadOrRefused(@ForAll("rpcs") byte[] input, @ForAll long chunking) {
 *         RPC.check(input, bytes -> {
 *             for (byte[] chunk : FuzzChannels.chunks(bytes, chunking)) {
 *                 reader.onData(stream, FuzzChannels.buffer(chunk)); // then assert what was read is bounded
 *             }
 *         });
 *     }
 * }
 * }</pre>
 * {@code mvn verify} runs each property with {@code jqwik.tries.default} inputs ({@code junit-platform.properties});
 * {@code -Pfuzz -Dfuzz.tries=N} runs only the fuzz properties, N inputs each.
 */
package org.opencloud.discovery.fuzz;
