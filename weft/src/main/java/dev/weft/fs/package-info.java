/**
 * Files on the blocking pool, as in Tokio's {@code tokio::fs}: {@link dev.weft.fs.Fs} for whole-file
 * and directory operations, {@link dev.weft.fs.File} for reading, writing and seeking through an open
 * file. The OS offers no readiness for regular files, so every call here blocks a pool thread, never a
 * worker; each future is lazy and runs its call when first polled.
 *
 * <p>Guide chapter 11 ({@code docs/guide/11-io.md}, "Files and DNS") says when this costs more than
 * one {@code spawnBlocking} that does the whole job.
 */
package dev.weft.fs;
