/**
 * Waiting for several futures in one task. {@link dev.weft.compose.Join} waits for all of them
 * ({@code all}, {@code tryAll}, outputs in input order); {@link dev.weft.compose.Select} waits for the
 * first, runs its arm and cancels the losers it owns ({@code race} is the plain case);
 * {@link dev.weft.compose.Fuse} lets one future be offered to the selects of a loop without being
 * cancelled by them; {@link dev.weft.compose.FuturesUnordered} holds a changing set of futures and
 * yields their outputs as they complete (its spawning sibling is {@code dev.weft.runtime.JoinSet}). Every combinator gives each child future a waker of its own, so a poll looks only
 * at the children that were woken, and cancels what it owns when it is cancelled.
 *
 * <p>Guide chapter 8 ({@code docs/guide/08-select-and-join.md}) explains what a select cancels and
 * lists which Weft operations are cancel-safe; chapter 10 covers {@code FuturesUnordered},
 * {@code JoinSet} and the {@code CompletableFuture} bridges.
 */
package dev.weft.compose;
