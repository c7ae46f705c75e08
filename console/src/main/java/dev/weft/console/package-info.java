/**
 * The Weft console: a read-only view of a running runtime's tasks, served on loopback from a thread of
 * its own (a web page and a JSON endpoint), and a terminal view of the same endpoint.
 */
package dev.weft.console;
