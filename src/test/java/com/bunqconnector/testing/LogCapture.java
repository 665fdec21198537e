package com.bunqconnector.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Captures everything the connector logs, at DEBUG, while it is open. */
public final class LogCapture implements AutoCloseable {

  private final Logger project = (Logger) LoggerFactory.getLogger("com.bunqconnector");
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final Level previous = project.getLevel();
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogCapture() {
    appender.start();
    root.addAppender(appender);
    project.setLevel(Level.DEBUG);
  }

  /** Every captured line: level, markers, logger, formatted message, and any stack trace. */
  public String text() {
    List<ILoggingEvent> events;
    synchronized (appender.list) {
      events = List.copyOf(appender.list);
    }
    return events.stream().map(LogCapture::render).collect(Collectors.joining("\n"));
  }

  public int lines() {
    return appender.list.size();
  }

  private static String render(ILoggingEvent event) {
    IThrowableProxy thrown = event.getThrowableProxy();
    String markers = event.getMarkerList() == null ? "" : event.getMarkerList() + " ";
    return event.getLevel() + " " + markers + event.getLoggerName() + " " + event.getFormattedMessage()
        + (thrown == null ? "" : "\n" + ThrowableProxyUtil.asString(thrown));
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    project.setLevel(previous);
  }
}
