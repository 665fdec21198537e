package com.bunqconnector.cli;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Lists or replays dead letters (callbacks no consumer acknowledged after the last retry) by asking a
 * node of the running cluster named in connector.json over {@code bunq.admin} ({@link AdminClient}).
 * Prints one line per dead letter, or the number replayed; an {@code --id} that is no dead letter fails
 * the command (exit 1).
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "List (default) or replay the callbacks no consumer acknowledged, through the running cluster.")
final class ReplayCommand implements Callable<Integer> {

  @Option(names = "--conf", paramLabel = "DIR", description = "configuration directory (default: ${DEFAULT-VALUE})")
  Path conf = Path.of("conf");

  @Option(names = "--tenant", paramLabel = "TENANT", description = "only this tenant's dead letters")
  String tenant;

  @ArgGroup(exclusive = true)
  Choice choice;

  /** What to replay; listing when neither is given. */
  static final class Choice {
    @Option(names = "--id", paramLabel = "ID", description = "replay the dead letter with this event id")
    String id;

    @Option(names = "--all", description = "replay every dead letter (of --tenant, if given)")
    boolean all;
  }

  @Override
  public Integer call() {
    JsonObject request = new JsonObject().put("action", choice == null ? "list-dead-letters"
        : choice.all ? "replay-all" : "replay");
    if (tenant != null) {
      request.put("tenant", tenant);
    }
    if (choice != null && choice.id != null) {
      request.put("id", choice.id);
    }
    JsonObject reply = AdminClient.request("replay", conf, request);
    if (choice != null && choice.id != null && reply.getInteger("replayed", 0) == 0) {
      throw new IllegalArgumentException("no dead letter has the id '" + choice.id + "' (replayed already, or"
          + " never one); `replay` lists them");
    }
    print(reply);
    return 0;
  }

  private static void print(JsonObject reply) {
    if (reply.containsKey("replayed")) {
      System.out.println("replayed " + reply.getInteger("replayed"));
      return;
    }
    for (Object item : reply.getJsonArray("deadLetters")) {
      JsonObject letter = (JsonObject) item;
      System.out.println(letter.getString("id") + " " + letter.getString("tenant") + "/"
          + letter.getString("user", "-") + " " + letter.getString("category") + " "
          + letter.getString("eventType", "-") + " attempts=" + letter.getInteger("attempts") + " error="
          + letter.getString("lastError"));
    }
    System.out.println(reply.getJsonArray("deadLetters").size() + " dead letters");
  }
}
