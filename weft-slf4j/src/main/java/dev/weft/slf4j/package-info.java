/**
 * The SLF4J bridge for Weft's spans ({@link dev.weft.slf4j.MdcBridge}): while a task is polled, the
 * fields of its span are in the MDC. A separate artifact, so that the core runtime depends on nothing
 * but the JDK. Guide chapter 14 ({@code docs/guide/14-tracing.md}) shows it in use.
 */
package dev.weft.slf4j;
