/**
 * Spans and events: what a task is doing, carried across its awaits and into the tasks it spawns.
 * {@link dev.weft.trace.Span} is a named stretch of work with fields, current for a task around each
 * of its polls, for an {@linkplain dev.weft.trace.Span#instrument instrumented} future, or in a
 * {@linkplain dev.weft.trace.Span#enter scope}; {@link dev.weft.trace.Trace} emits events and registers
 * the {@link dev.weft.trace.SpanListener}s that receive all of it. The core has no listener of its own
 * and depends on no logging library: the SLF4J bridge ({@code dev.weft.slf4j.MdcBridge}, artifact
 * {@code weft-slf4j}) is a listener.
 *
 * <p>Guide chapter 14 ({@code docs/guide/14-tracing.md}) explains spans, instrumenting, parent links,
 * events and the MDC bridge.
 */
package dev.weft.trace;
