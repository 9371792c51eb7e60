package io.github.aliyunvpcemulator.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs one emulator for the annotated test class, started before its first test and stopped
 * after its last, and injects it as an {@link Emulator} parameter (of test methods, lifecycle
 * methods or the constructor). A {@code @Nested} class shares its enclosing class's emulator
 * unless it carries its own {@code @VpcEmulatorTest}.
 *
 * <pre>{@code
 * @VpcEmulatorTest(resetBeforeEach = true)
 * class RenameTest {
 *     @Test
 *     void renames(Emulator emu) { ... emu.getEndpoint() ... }
 * }
 * }</pre>
 *
 * <p>Without attributes it is the emulator's defaults: the embedded default fixtures, lenient
 * authentication, plain HTTP.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(VpcEmulatorExtension.class)
public @interface VpcEmulatorTest {
    /**
     * A fixtures file (the state format; relative to the working directory, which Maven sets to
     * the module's folder), or {@code classpath:NAME} for a resource; empty for the embedded
     * default fixtures.
     */
    String fixtures() default "";

    /** Serve HTTPS as well as HTTP ({@code --tls}); {@link Emulator#getCaPem()} gives the CA. */
    boolean tls() default false;

    /** How long a VPN gateway stays busy after a change, in milliseconds ({@code --gateway-busy-ms}). */
    long gatewayBusyMs() default 0;

    /** The seed of generated IDs and RequestIds ({@code --seed}); negative for a random one. */
    long seed() default -1;

    /** A bearer token for {@code /_emulator/*} ({@code --admin-token}); empty for none. */
    String adminToken() default "";

    /** More command-line flags, e.g. {@code {"--auth", "strict"}}. */
    String[] args() default {};

    /** Call {@link Emulator#reset()} before each test, so that every test starts from the fixtures. */
    boolean resetBeforeEach() default false;
}
