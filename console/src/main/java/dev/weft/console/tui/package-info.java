/**
 * {@code weft-console}, the terminal view: a client of the console's JSON endpoint that draws the runtime,
 * its workers and its tasks in a terminal, for a program on a server reached over SSH. Its one public
 * name is the main class, {@link dev.weft.console.tui.TerminalView}; the rest is the parts it is made of:
 * a JSON reader ({@code Json}), the endpoint's answers ({@code Snapshot}, {@code TaskDetail}), what the
 * user chose ({@code ViewState}, {@code Key}), the screen as a pure function of both ({@code Renderer}),
 * and the terminal taken over and given back ({@code Terminal}). It depends on the JDK alone and never on
 * the runtime it watches, which may be in another JVM.
 */
package dev.weft.console.tui;
