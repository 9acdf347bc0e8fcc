package dev.idstream.cli;

import picocli.CommandLine.Command;

/** Face tools that need no pipeline: {@code faces collect}. */
@Command(name = "faces", mixinStandardHelpOptions = true, description = "Face tools: collect (multi-view face collection from a video).",
        subcommands = {FacesCollectCommand.class})
final class FacesCommand {
}
