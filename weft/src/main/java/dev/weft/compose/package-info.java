/**
 * Waiting for several futures in one task. {@link dev.weft.compose.Join} waits for all of them
 * ({@code all}, {@code tryAll}, outputs in input order); {@link dev.weft.compose.Select} waits for the
 * first, runs its arm and cancels the losers it owns ({@code race} is the plain case);
 * {@link dev.weft.compose.Fuse} lets one future be offered to the selects of a loop without being
 * cancelled by them. Every combinator gives each child future a waker of its own, so a poll looks only
 * at the children that were woken, and cancels what it owns when it is cancelled.
 *
 * <p>Guide chapter 8 ({@code docs/guide/08-select-and-join.md}) explains what a select cancels and
 * lists which Weft operations are cancel-safe.
 */
package dev.weft.compose;
