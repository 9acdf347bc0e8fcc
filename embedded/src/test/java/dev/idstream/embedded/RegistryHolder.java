package dev.idstream.embedded;

import java.nio.file.Path;

/** A JVM that starts a registry, reports it on stdout and waits to be killed; used to test that no orphan survives. */
public final class RegistryHolder {

    public static void main(String[] args) throws Exception {
        EmbeddedRegistry registry = EmbeddedRegistry.start(Path.of(args[0]));
        System.out.println("READY " + registry.port() + " " + registry.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    private RegistryHolder() {}
}
