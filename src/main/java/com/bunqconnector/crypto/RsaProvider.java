package com.bunqconnector.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.amazon.corretto.crypto.provider.SelfTestStatus;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.util.Locale;
import java.util.function.Supplier;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JCA provider that does the connector's RSA work: key generation, signing, verification
 * and key parsing. By default the Amazon Corretto Crypto Provider (native AWS-LC code, several
 * times the JDK's RSA signing rate) where its native library loads and its self-tests pass, else
 * the JDK's {@code SunRsaSign} (or Bouncy Castle on a JDK without it), without error.
 *
 * <p>The provider is handed explicitly to {@link KeyPairGenerator}, {@link Signature} and
 * {@link KeyFactory}; it is never installed in the JVM's provider list, so TLS, AES-GCM and
 * everything else keep the JDK's providers.
 *
 * <p>The system property {@value #PROPERTY} chooses: {@code auto} (the default), {@code accp}
 * (fail if it is not available) or {@code jdk}. The choice is made once, on first use, and logged
 * on one INFO line that names the provider.
 */
public final class RsaProvider {

  /** The system property that chooses the provider: {@code auto}, {@code accp} or {@code jdk}. */
  public static final String PROPERTY = "bunq.crypto.provider";

  private static final Logger log = LoggerFactory.getLogger(RsaProvider.class);
  private static final Object LOCK = new Object();
  private static volatile RsaProvider selected;

  /** Which provider to use. */
  public enum Choice {
    /** The native provider where it works, else the JDK's. */
    AUTO,
    /** The Amazon Corretto Crypto Provider, or an error if it is not available. */
    ACCP,
    /** The JDK's own provider. */
    JDK;

    /**
     * Reads a choice as written in {@value #PROPERTY} or on a command line (any case).
     *
     * @throws IllegalArgumentException naming {@code source} if the text is none of the choices
     */
    public static Choice parse(String text, String source) {
      if (text == null || text.isBlank()) {
        return AUTO;
      }
      try {
        return valueOf(text.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(source + " is '" + text + "'; use auto, accp or jdk");
      }
    }
  }

  private final Provider provider;
  private final boolean nativeCode;
  private final String note;

  private RsaProvider(Provider provider, boolean nativeCode, String note) {
    this.provider = provider;
    this.nativeCode = nativeCode;
    this.note = note;
  }

  /**
   * The provider the connector uses, chosen on first use from {@value #PROPERTY} and logged once.
   *
   * @throws IllegalArgumentException if the property holds an unknown value
   * @throws IllegalStateException if the property demands {@code accp} and it is not available
   */
  public static RsaProvider selected() {
    RsaProvider chosen = selected;
    if (chosen == null) {
      synchronized (LOCK) {
        chosen = selected;
        if (chosen == null) {
          Choice choice = Choice.parse(System.getProperty(PROPERTY), "system property " + PROPERTY);
          chosen = choose(choice, RsaProvider::accpProbe);
          String asked = choice == Choice.AUTO ? ""
              : ", as -D" + PROPERTY + "=" + choice.name().toLowerCase(Locale.ROOT) + " asks";
          log.info("RSA provider: {}{}", chosen.description(), asked);
          selected = chosen;
        }
      }
    }
    return chosen;
  }

  /**
   * The provider for {@code choice}, for benchmarks and tests that compare providers; not logged.
   *
   * @throws IllegalStateException if {@code choice} is {@code accp} and it is not available
   */
  public static RsaProvider of(Choice choice) {
    return choose(choice, RsaProvider::accpProbe);
  }

  /** Chooses with {@code accp} telling whether the native provider works (it is asked only when needed). */
  static RsaProvider choose(Choice choice, Supplier<Probe> accp) {
    if (choice == Choice.JDK) {
      return jdk(null);
    }
    Probe probe = accp.get();
    if (probe.provider() != null) {
      return new RsaProvider(probe.provider(), true, "native, " + probe.detail());
    }
    if (choice == Choice.ACCP) {
      throw new IllegalStateException("the Amazon Corretto Crypto Provider was asked for but is not available: "
          + probe.detail());
    }
    return jdk("Amazon Corretto Crypto Provider not available: " + probe.detail());
  }

  /** The JDK's provider; {@code fallback} is why the native one is not used, or null if it was not wanted. */
  private static RsaProvider jdk(String fallback) {
    String why = fallback == null ? "" : "; " + fallback;
    Provider sun = Security.getProvider("SunRsaSign");
    if (sun != null) {
      return new RsaProvider(sun, false, "JDK, pure Java" + why);
    }
    return new RsaProvider(new BouncyCastleProvider(), false, "Bouncy Castle, the JDK has no SunRsaSign" + why);
  }

  /** Whether the native provider works here, or why not; asked once per JVM. */
  private static Probe accpProbe() {
    try {
      return Accp.PROBE;
    } catch (LinkageError e) {
      return new Probe(null, "its classes cannot be loaded (" + e + ")");
    }
  }

  /** The outcome of trying the native provider: the provider, or {@code null} and the reason. */
  record Probe(Provider provider, String detail) {
  }

  /**
   * Keeps every reference to the native provider's classes here, so that their absence is only a
   * reason; the probe runs once, when this class is first used.
   */
  private static final class Accp {

    static final Probe PROBE = probe();

    private static Probe probe() {
      try {
        AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
        Throwable error = accp.getLoadingError();
        if (error != null) {
          return new Probe(null, "its native library did not load (" + error + ")");
        }
        SelfTestStatus status = accp.runSelfTests();
        if (status != SelfTestStatus.PASSED) {
          return new Probe(null, "its self-tests ended " + status);
        }
        accp.assertHealthy();
        return new Probe(accp, accp.getAwsLcVersionStr());
      } catch (LinkageError | RuntimeException e) {
        return new Probe(null, e.toString());
      }
    }
  }

  /** The JCA provider itself. */
  public Provider provider() {
    return provider;
  }

  /** The provider's JCA name, such as {@code AmazonCorrettoCryptoProvider} or {@code SunRsaSign}. */
  public String name() {
    return provider.getName();
  }

  /** A short name for figures and options: {@code accp} for the native provider, else {@code jdk}. */
  public String shortName() {
    return nativeCode ? "accp" : "jdk";
  }

  /** Whether the provider runs native code (the Amazon Corretto Crypto Provider). */
  public boolean isNative() {
    return nativeCode;
  }

  /** Name, version and why it was chosen, as logged: safe to show, holds no key material. */
  public String description() {
    return provider.getName() + " " + provider.getVersionStr() + " (" + note + ")";
  }

  /** A key pair generator for RSA from this provider. */
  public KeyPairGenerator keyPairGenerator() throws GeneralSecurityException {
    return KeyPairGenerator.getInstance("RSA", provider);
  }

  /** A {@link Signature} for {@code algorithm} from this provider. */
  public Signature signature(String algorithm) throws GeneralSecurityException {
    return Signature.getInstance(algorithm, provider);
  }

  /** A key factory for RSA from this provider. */
  public KeyFactory keyFactory() throws GeneralSecurityException {
    return KeyFactory.getInstance("RSA", provider);
  }

  @Override
  public String toString() {
    return description();
  }
}
