package io.github.aliyunvpcemulator.junit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.AnnotatedElement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link VpcEmulatorTest}: one emulator per test class (configured
 * by the class's {@code @VpcEmulatorTest}, else the defaults), started before the class's first
 * test, stopped after its last (a bad exit fails the class), reset before each test when the
 * annotation asks, and injected into parameters of type {@link Emulator}. Use it through the
 * annotation, or as {@code @ExtendWith(VpcEmulatorExtension.class)} for the defaults.
 */
public class VpcEmulatorExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(VpcEmulatorExtension.class);

    /** The emulator of one class context and whether it is reset before each test. */
    private static final class Running {
        final Emulator emulator;
        final boolean resetBeforeEach;

        Running(Emulator emulator, boolean resetBeforeEach) {
            this.emulator = emulator;
            this.resetBeforeEach = resetBeforeEach;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        running(context); // start it now, so that a failure to start fails the class at once
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Running running = running(context);
        if (running.resetBeforeEach) {
            running.emulator.reset();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Running running = context.getStore(NAMESPACE).remove(key(context), Running.class);
        if (running != null) {
            running.emulator.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Emulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return running(context).emulator;
    }

    /** The emulator of the class context that owns this context, started on first use. */
    private static Running running(ExtensionContext context) {
        ExtensionContext owner = owner(context);
        return owner.getStore(NAMESPACE).getOrComputeIfAbsent(key(owner), k -> start(owner), Running.class);
    }

    private static String key(ExtensionContext context) {
        return "emulator " + context.getUniqueId();
    }

    /**
     * The nearest enclosing class context whose class carries {@code @VpcEmulatorTest}, else
     * the outermost class context.
     */
    private static ExtensionContext owner(ExtensionContext context) {
        ExtensionContext outermost = null;
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            Optional<AnnotatedElement> element = c.get().getElement();
            if (element.isPresent() && element.get() instanceof Class) {
                if (AnnotationSupport.isAnnotated(element.get(), VpcEmulatorTest.class)) {
                    return c.get();
                }
                outermost = c.get();
            }
        }
        if (outermost == null) {
            throw new IllegalStateException("aliyun-vpc-emulator: no test class for " + context.getUniqueId());
        }
        return outermost;
    }

    private static Running start(ExtensionContext owner) {
        Class<?> type = (Class<?>) owner.getElement().orElseThrow(IllegalStateException::new);
        Optional<VpcEmulatorTest> found = AnnotationSupport.findAnnotation(type, VpcEmulatorTest.class);
        Emulator.Builder builder = Emulator.builder();
        if (!found.isPresent()) {
            return new Running(builder.start(), false);
        }
        VpcEmulatorTest a = found.get();
        if (a.fixtures().startsWith("classpath:")) {
            builder.fixturesJson(resource(type, a.fixtures().substring("classpath:".length())));
        } else if (!a.fixtures().isEmpty()) {
            builder.fixtures(Paths.get(a.fixtures()).toAbsolutePath());
        }
        builder.tls(a.tls()).gatewayBusy(Duration.ofMillis(a.gatewayBusyMs())).args(a.args());
        if (a.seed() >= 0) {
            builder.seed(a.seed());
        }
        if (!a.adminToken().isEmpty()) {
            builder.adminToken(a.adminToken());
        }
        return new Running(builder.start(), a.resetBeforeEach());
    }

    private static String resource(Class<?> type, String name) {
        String path = name.startsWith("/") ? name.substring(1) : name;
        ClassLoader loader = type.getClassLoader();
        try (InputStream in = loader == null ? null : loader.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("aliyun-vpc-emulator: no fixtures resource " + path + " on the class path of " + type.getName());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
            return new String(out.toByteArray(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("aliyun-vpc-emulator: cannot read fixtures resource " + path + ": " + e, e);
        }
    }
}
