/**
 * The SLF4J bridge for Weft's spans: while a task is polled, the fields of its span are in the MDC.
 * A separate artifact, so that the core runtime depends on nothing but the JDK.
 */
package dev.weft.slf4j;
