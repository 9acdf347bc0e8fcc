package dev.idstream.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs an {@code idstream} command in this JVM, as {@code ./idstream} would, and keeps what it printed. */
record Cli(int exitCode, String out, String err) {

    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }

    /** For assertion messages. */
    String printed() {
        return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
}
