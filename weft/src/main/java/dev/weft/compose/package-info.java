/**
 * Combining futures inside one task: {@link dev.weft.compose.Join} ({@code all}, {@code tryAll}) so
 * far; select, races, {@code FuturesUnordered}, {@code JoinSet} and streams follow (the [compose]
 * issue). Every combinator gives each child future a waker of its own, so a poll looks only at the
 * children that were woken, and cancels what it owns when it is cancelled.
 */
package dev.weft.compose;
