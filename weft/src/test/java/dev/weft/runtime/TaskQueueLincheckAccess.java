package dev.weft.runtime;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;

/** The shared Lincheck settings of the runtime's tests, for tests in other packages. */
public final class TaskQueueLincheckAccess {
    private TaskQueueLincheckAccess() {
    }

    public static ModelCheckingOptions modelChecking() {
        return TaskQueueLincheckTest.modelChecking();
    }

    public static StressOptions stress() {
        return TaskQueueLincheckTest.stress();
    }
}
