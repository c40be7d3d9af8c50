package org.redtrove.api.identity;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * The one place where user passwords are hashed and checked: bcrypt, slow on purpose, so a copy
 * of the users table is expensive to attack. Changing the scheme or its cost happens here.
 */
@Component
public class Passwords {

    private final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder();

    public String hash(String password) {
        return bcrypt.encode(password);
    }

    public boolean matches(String password, String hash) {
        return bcrypt.matches(password, hash);
    }
}
