/**
 * Async synchronization: {@link dev.weft.sync.Semaphore}, {@link dev.weft.sync.Mutex},
 * {@link dev.weft.sync.Notify}, and the {@link dev.weft.sync.Oneshot} channel. These are poll-level
 * futures: they work from async blocks and hand-written futures alike, on any runtime, and a waiter
 * suspends its task, never its thread. Each operation's Javadoc states whether it is cancel-safe and
 * what happens to a value or a permit in flight when its owner gives up.
 *
 * <p>Use a plain {@code java.util.concurrent} lock for a short critical section with no await inside;
 * use {@link dev.weft.sync.Mutex} when the lock is held across an await (guide chapter 7).
 */
package dev.weft.sync;
