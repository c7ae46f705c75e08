/**
 * Async synchronization. Locks and signals: {@link dev.weft.sync.Mutex}, {@link dev.weft.sync.RwLock},
 * {@link dev.weft.sync.Semaphore}, {@link dev.weft.sync.Notify}, {@link dev.weft.sync.Barrier} and
 * {@link dev.weft.sync.CancellationToken}. Channels: {@link dev.weft.sync.Oneshot} (one value),
 * {@link dev.weft.sync.Mpsc} (a queue from many tasks to one), {@link dev.weft.sync.Broadcast} (every
 * receiver sees every value) and {@link dev.weft.sync.Watch} (the latest value). These are poll-level
 * futures: they work from async blocks and hand-written futures alike, on any runtime, and a waiter
 * suspends its task, never its thread. Each operation's Javadoc states whether it is cancel-safe and
 * what happens to a value or a permit in flight when its owner gives up.
 *
 * <p>Use a plain {@code java.util.concurrent} lock for a short critical section with no await inside;
 * use {@link dev.weft.sync.Mutex} when the lock is held across an await (guide chapter 7).
 */
package dev.weft.sync;
