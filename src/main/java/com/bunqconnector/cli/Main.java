package com.bunqconnector.cli;

import com.bunqconnector.crypto.RsaProvider;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code bunq-connector} command line: {@code run} (the main job), {@code emulator} (the
 * emulator alone), {@code bench} (benchmarks), {@code replay} (dead callback letters) and {@code users}
 * (the users of a running cluster).
 */
@Command(name = "bunq-connector", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Runs the bunq API for many users at once, with a bunq emulator.",
    subcommands = {RunCommand.class, EmulatorCommand.class, BenchCommand.class, ReplayCommand.class,
        UsersCommand.class})
public final class Main implements Runnable {

  @Spec
  CommandSpec spec;

  public static void main(String[] args) {
    // Hazelcast logs through java.util.logging (two lines on standard error) until it reads the
    // logging type from its configuration; this makes its first lines go to the log as well.
    if (System.getProperty("hazelcast.logging.type") == null) {
      System.setProperty("hazelcast.logging.type", "slf4j");
    }
    int code = commandLine().execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * The command line as {@code main} runs it: a failure prints one line, not a stack trace, and exits 1.
   * The commands that sign or verify choose the RSA provider first, so that a bad
   * {@value RsaProvider#PROPERTY} is refused at once and as what it is, not later as whatever failed
   * to sign.
   */
  static CommandLine commandLine() {
    return new CommandLine(new Main())
        .setExecutionStrategy(parseResult -> {
          if (!helpAsked(parseResult) && parseResult.hasSubcommand()
              && SIGNING.contains(parseResult.subcommand().commandSpec().name())) {
            try {
              RsaProvider.selected();
            } catch (IllegalArgumentException | IllegalStateException e) {
              parseResult.commandSpec().commandLine().getErr().println("bunq-connector: " + e.getMessage());
              return 1;
            }
          }
          return new CommandLine.RunLast().execute(parseResult);
        })
        .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
          commandLine.getErr().println("bunq-connector: " + e.getMessage());
          return 1;
        });
  }

  /** The commands that need the RSA provider. */
  private static final Set<String> SIGNING = Set.of("run", "emulator", "bench");

  private static boolean helpAsked(CommandLine.ParseResult parseResult) {
    for (CommandLine.ParseResult part = parseResult; part != null; part = part.subcommand()) {
      if (part.isUsageHelpRequested() || part.isVersionHelpRequested()) {
        return true;
      }
    }
    return false;
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
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a command is needed: one of " + String.join(", ", spec.subcommands().keySet()));
  }
}
