package dev.idstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one IDStream command line (run through {@code ./idstream}). */
@Command(name = "idstream", mixinStandardHelpOptions = true, version = "IDStream 0.1.0",
        description = "Identity-preserving text-to-video generation and evaluation on Kafka.",
        subcommands = {DemoCommand.class, UpCommand.class, StageCommand.class, SubmitCommand.class, StatusCommand.class,
                TopicsCommand.class, BenchCommand.class, ModelsCommand.class, FacesCommand.class, EvalCommand.class,
                ReplayCommand.class, ReportCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with IDStream's error handling: a failed command prints one clear line, not a stack trace. */
    static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("idstream: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
                    if (Boolean.getBoolean("idstream.debug")) {
                        e.printStackTrace(cmd.getErr());
                    }
                    return 1;
                });
    }
}
