/* Sizes of the stack buffers duct fills with the same kinds of text in many places: one name
 * per kind, so a declaration says what the buffer holds and every producer of that text can
 * count on the same room. */
#ifndef DUCT_TEXT_SIZE_H
#define DUCT_TEXT_SIZE_H

/* One socket address as text, as sockaddr_info() and sa_addr_text() write it ("AF=10
 * [0000:...:0001]:80", a UNIX path of up to 108 bytes with its escapes, a SOCKS5 domain name of
 * up to 255 bytes with its port). */
#define SOCKADDR_TEXT_SIZE 300

/* One error message built for the caller to log: it quotes what failed (a host name, an
 * address, a path: up to SOCKADDR_TEXT_SIZE) and adds the reason and a suggestion. */
#define ERROR_TEXT_SIZE 600

#endif
