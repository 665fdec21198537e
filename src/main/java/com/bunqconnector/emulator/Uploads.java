package com.bunqconnector.emulator;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * What bunq asks of a file upload (attachment-public, a monetary account's attachment): the file's
 * bytes as the whole body, without JSON around them, its MIME type in {@code Content-Type} and a
 * description in {@code X-Bunq-Attachment-Description}. Anything else is a 400 naming what is wrong;
 * so are bytes that are not a file of the type named, which the JDK's image readers (and, for a PDF,
 * its header) tell.
 */
final class Uploads {

  static final String DESCRIPTION = "X-Bunq-Attachment-Description";
  /** What attachment-public takes: bunq documents png, jpg and gif. */
  static final List<String> IMAGES = List.of("image/png", "image/jpeg", "image/gif");
  /** What a monetary account's attachment takes: bunq documents JPEG, PNG and PDF, and gif as for public ones. */
  static final List<String> DOCUMENTS = List.of("image/png", "image/jpeg", "image/gif", "application/pdf");
  private static final String PDF = "application/pdf";
  private static final byte[] PDF_HEADER = {'%', 'P', 'D', 'F', '-'};

  /** One upload as received; {@code contentType} without parameters, in lower case. */
  record Upload(String contentType, String description, Buffer content) {
  }

  /** An image's size in pixels. */
  record Size(int width, int height) {
  }

  private Uploads() {
  }

  /**
   * The call's upload, checked for a {@code Content-Type} out of {@code accepted}, a description and
   * a body; the bytes are checked by {@link #check}.
   */
  static Upload read(RoutingContext ctx, List<String> accepted) {
    String header = ctx.request().getHeader("Content-Type");
    if (header == null || header.isBlank()) {
      throw ApiError.badRequest("The Content-Type header is required: the MIME type of the attachment, one of "
          + String.join(", ", accepted) + ".");
    }
    String type = header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!accepted.contains(type)) {
      throw ApiError.badRequest("The Content-Type " + type + " is not accepted for an attachment; send one of "
          + String.join(", ", accepted) + ".");
    }
    String description = utf8(ctx.request().getHeader(DESCRIPTION));
    if (description == null || description.isBlank()) {
      throw ApiError.badRequest("The " + DESCRIPTION + " header is required: a description of the attachment.");
    }
    Buffer content = Guard.rawBody(ctx);
    if (content.length() == 0) {
      throw ApiError.badRequest("The request body is empty; it must be the attachment's file, without JSON"
          + " around it.");
    }
    return new Upload(type, description, content);
  }

  /**
   * A header's text read as UTF-8: HTTP hands header bytes over one character each (ISO-8859-1), and
   * bunq's clients send UTF-8. A value that is not UTF-8 is a 400.
   */
  private static String utf8(String header) {
    if (header == null || header.chars().allMatch(c -> c < 0x80) || header.chars().anyMatch(c -> c > 0xFF)) {
      return header;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(header.getBytes(StandardCharsets.ISO_8859_1))).toString();
    } catch (CharacterCodingException e) {
      throw ApiError.badRequest("The " + DESCRIPTION + " header is not UTF-8 text.");
    }
  }

  /**
   * Blocking: checks that the bytes are a file of the upload's type and returns its size in pixels
   * (0 by 0 for a PDF).
   */
  static Size check(Upload upload) {
    byte[] bytes = upload.content().getBytes();
    if (PDF.equals(upload.contentType())) {
      if (bytes.length < PDF_HEADER.length
          || !Arrays.equals(bytes, 0, PDF_HEADER.length, PDF_HEADER, 0, PDF_HEADER.length)) {
        throw notOfType(upload);
      }
      return new Size(0, 0);
    }
    Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(upload.contentType());
    if (!readers.hasNext()) {
      throw new IllegalStateException("the JDK has no image reader for " + upload.contentType());
    }
    ImageReader reader = readers.next();
    try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(input, true, true);
      return new Size(reader.getWidth(0), reader.getHeight(0));
    } catch (IOException | RuntimeException e) {
      throw notOfType(upload);
    } finally {
      reader.dispose();
    }
  }

  private static ApiError notOfType(Upload upload) {
    return ApiError.badRequest("The request body is not a " + upload.contentType()
        + " file, as its Content-Type says.");
  }
}
