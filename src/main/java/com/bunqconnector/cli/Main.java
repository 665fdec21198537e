package com.bunqconnector.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code bunq-connector} command line: {@code run} (the main job), {@code emulator} (the
 * emulator alone), {@code bench} (benchmarks) and {@code replay} (dead callback letters).
 */
@Command(name = "bunq-connector", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Runs the bunq API for many users at once, with a bunq emulator.",
    subcommands = {RunCommand.class, EmulatorCommand.class, BenchCommand.class, ReplayCommand.class})
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

  /** The version from the jar's manifest, or {@code development} when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"bunq-connector " + (version == null ? "development" : version)};
    }
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
