package com.bunqconnector.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * Lists, adds and removes the users a running cluster serves, through the {@code list-users},
 * {@code add-user} and {@code remove-user} actions of {@code bunq.admin} ({@link AdminClient}). An API
 * key is read from a file or standard input, never from the command line, where other users of the
 * machine could read it in the process list.
 */
@Command(name = "users", mixinStandardHelpOptions = true,
    description = "List, add or remove the users of the running cluster's tenants.",
    subcommands = {UsersCommand.ListUsers.class, UsersCommand.AddUser.class, UsersCommand.RemoveUser.class})
final class UsersCommand implements Runnable {

  /** The longest API key file read; bunq's keys are 64 characters, an OAuth token not much longer. */
  private static final int MAX_KEY_FILE_BYTES = 4096;

  @Option(names = "--conf", paramLabel = "DIR", scope = ScopeType.INHERIT,
      description = "configuration directory (default: ${DEFAULT-VALUE})")
  Path conf = Path.of("conf");

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "users needs a command: one of " + String.join(", ", spec.subcommands().keySet()));
  }

  /** {@code users list}: one line per user, with where it comes from. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the users (of one tenant) with where they come from: file or runtime.")
  static final class ListUsers implements Callable<Integer> {
    @ParentCommand
    UsersCommand parent;

    @Option(names = "--tenant", paramLabel = "TENANT", description = "only this tenant's users")
    String tenant;

    @Override
    public Integer call() {
      JsonObject request = new JsonObject().put("action", "list-users");
      if (tenant != null) {
        request.put("tenant", tenant);
      }
      JsonArray users = AdminClient.request("users list", parent.conf, request).getJsonArray("users");
      for (Object item : users) {
        JsonObject user = (JsonObject) item;
        JsonArray ips = user.getJsonArray("permittedIps", new JsonArray());
        System.out.println(user.getString("tenant") + "/" + user.getString("id") + " " + user.getString("source")
            + " permittedIps=" + (ips.isEmpty() ? "caller" : String.join(",", ips.getList())));
      }
      System.out.println(users.size() + " users");
      return 0;
    }
  }

  /** {@code users add}: adds a user at run time, which every node then serves. */
  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Add a user to a tenant of the running cluster; its API key is read from a file or stdin.")
  static final class AddUser implements Callable<Integer> {
    @ParentCommand
    UsersCommand parent;

    @Mixin
    Who who;

    @Option(names = "--api-key-file", required = true, paramLabel = "FILE",
        description = "a file holding its bunq API key (or OAuth access token); - reads it from standard input")
    String apiKeyFile;

    @Option(names = "--permitted-ip", paramLabel = "IP",
        description = "an IPv4 address (or *) its key is bound to; repeat for several (default: the node's own IP)")
    List<String> permittedIps = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      JsonObject request = new JsonObject().put("action", "add-user").put("tenant", who.tenant).put("user", who.user)
          .put("apiKey", readKey(apiKeyFile)).put("permittedIps", new JsonArray(permittedIps));
      JsonObject reply = AdminClient.request("users add", parent.conf, request);
      JsonObject registration = reply.getJsonObject("registration", new JsonObject());
      JsonObject failed = registration.getJsonObject("failed", new JsonObject());
      System.out.println("added " + who + "; callback filters registered for "
          + registration.getJsonArray("registered", new JsonArray()).size() + " user(s), failed for "
          + failed.size());
      // Stored and served, but bunq took no filters: a key bunq refuses, say. The caller must hear of it.
      failed.forEach(entry -> System.out.println("registering the callback filters of " + who.tenant + "/"
          + entry.getKey() + " failed: " + entry.getValue() + " (the user stays added: fix it, or remove it)"));
      return failed.isEmpty() ? 0 : 1;
    }
  }

  /** {@code users remove}: removes a user added at run time, with its filters and context. */
  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove a user added at run time: its filters at bunq, its stored context, and from every node.")
  static final class RemoveUser implements Callable<Integer> {
    @ParentCommand
    UsersCommand parent;

    @Mixin
    Who who;

    @Override
    public Integer call() {
      JsonObject reply = AdminClient.request("users remove", parent.conf, new JsonObject()
          .put("action", "remove-user").put("tenant", who.tenant).put("user", who.user));
      boolean removed = reply.getBoolean("removed", false);
      System.out.println((removed ? "removed " : "already removed by another call: ") + who);
      return 0;
    }
  }

  /** The user a command is about: {@code --tenant} and {@code --user}. */
  static final class Who {
    @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "the user's tenant")
    String tenant;

    @Option(names = "--user", required = true, paramLabel = "USER", description = "its id within the tenant")
    String user;

    @Override
    public String toString() {
      return tenant + "/" + user;
    }
  }

  /** The key in {@code source} (a path, or {@code -} for standard input), without surrounding whitespace. */
  static String readKey(String source) throws IOException {
    byte[] bytes;
    if ("-".equals(source)) {
      InputStream in = System.in;
      bytes = in.readNBytes(MAX_KEY_FILE_BYTES + 1);
    } else {
      Path file = Path.of(source);
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("--api-key-file " + source + " is not a readable file");
      }
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes(MAX_KEY_FILE_BYTES + 1);
      }
    }
    if (bytes.length > MAX_KEY_FILE_BYTES) {
      throw new IllegalArgumentException("--api-key-file " + source + " holds over " + MAX_KEY_FILE_BYTES
          + " bytes: not an API key");
    }
    String key = new String(bytes, StandardCharsets.UTF_8).strip();
    if (key.isEmpty()) {
      throw new IllegalArgumentException("--api-key-file " + source + " is empty");
    }
    return key;
  }
}
