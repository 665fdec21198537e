package com.bunqconnector.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bunq-connector} command line: {@code run} (the main job). */
@Command(name = "bunq-connector", mixinStandardHelpOptions = true, version = "bunq-connector 0.1",
    description = "Runs the bunq API for many users at once, with a bunq emulator.",
    subcommands = {RunCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** The command line as {@code main} runs it: a failure prints one line, not a stack trace, and exits 1. */
  static CommandLine commandLine() {
    return new CommandLine(new Main())
        .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
          commandLine.getErr().println("bunq-connector: " + e.getMessage());
          return 1;
        });
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
