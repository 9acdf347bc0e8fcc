package dev.idstream.embedded;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of a child JVM that must not outlive its parent: it exits when the parent process is gone (even after
 * a {@code kill -9}, where the parent's shutdown hooks never run), then hands over to the real main class.
 *
 * <p>Usage: {@code java -cp <app>:<this class> dev.idstream.embedded.ParentWatchingLauncher <parentPid> <mainClass> [args...]}.
 * It is copied on its own onto the child's class path, so it must stay self-contained (JDK classes only, no nested classes).
 */
public final class ParentWatchingLauncher {

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: ParentWatchingLauncher <parentPid> <mainClass> [args...]");
        }
        long parentPid = Long.parseLong(args[0]);
        ProcessHandle parent = ProcessHandle.of(parentPid).orElse(null);
        if (parent == null || !parent.isAlive()) {
            System.err.println("parent process " + parentPid + " is gone; not starting");
            System.exit(1);
        }
        parent.onExit().thenRun(() -> {
            System.err.println("parent process " + parentPid + " exited; shutting down");
            System.exit(0);
        });
        Method main = Class.forName(args[1]).getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    }

    private ParentWatchingLauncher() {}
}
