package com.bunqconnector.emulator;

import com.bunqconnector.emulator.EmulatorSeed.SeedOauthClient;
import com.bunqconnector.emulator.EmulatorSeed.SeedUser;
import com.bunqconnector.emulator.Model.Kind;
import com.bunqconnector.emulator.Model.OauthClient;
import com.bunqconnector.emulator.Model.User;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates an {@link EmulatorSeed}'s users and OAuth clients in a fresh emulator's state, on its context. */
final class Seeder {

  private static final Logger log = LoggerFactory.getLogger(Seeder.class);

  /** What was created, in seed order. */
  record Result(List<SeededUser> users, List<SeededOauthClient> oauthClients) {
  }

  private Seeder() {
  }

  static Result apply(EmulatorSeed seed, EmulatorOptions options, EmulatorState state, OauthRegistry oauth) {
    List<User> created = new ArrayList<>();
    List<SeededUser> users = new ArrayList<>();
    for (SeedUser spec : seed.users()) {
      Kind kind = Kind.fromSeedName(spec.kind());
      BigDecimal balance = new BigDecimal(spec.balance() == null ? options.getInitialBalance() : spec.balance());
      int timeout = spec.sessionTimeoutSeconds() == null ? options.getSessionTimeoutSeconds()
          : spec.sessionTimeoutSeconds();
      User user = state.createUser(kind, spec.displayName(), spec.apiKey(), balance, timeout);
      created.add(user);
      String iban = state.accountsOf(user).stream().findFirst().map(a -> a.iban).orElse(null);
      users.add(new SeededUser(kind.wrapper, user.id(), user.displayName(), iban, user.apiKey()));
      log.info("Seeded user {} ({})", user.id(), kind.wrapper);
    }
    List<SeededOauthClient> clients = new ArrayList<>();
    for (SeedOauthClient spec : seed.oauthClients()) {
      User owner = created.get(spec.owner());
      OauthClient client = oauth.addClient(owner, spec.clientId(), spec.clientSecret());
      spec.redirectUris().forEach(uri -> oauth.addCallbackUrl(client, uri));
      clients.add(new SeededOauthClient(client.id, client.clientId, client.secret, owner.id(), spec.redirectUris()));
      log.info("Seeded OAuth client {} of user {}", client.id, owner.id());
    }
    return new Result(List.copyOf(users), List.copyOf(clients));
  }
}
