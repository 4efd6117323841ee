package dev.berth.client.image;

import java.io.IOException;
import java.io.InputStream;

/**
 * A blob's content that can be opened again at any offset: a file in a layout, a temporary file,
 * or a registry blob fetched with a {@code Range} request. Pushes use it to resume a broken upload
 * from where the registry says it stopped.
 */
@FunctionalInterface
public interface BlobSource {
  InputStream open(long offset) throws IOException;
}
