/*
 * The signal source: signals to tmrun become readable bytes on one fd for
 * poll(2).  Two backends, one built: signalfd, or a self-pipe.
 */
#ifndef SIGSRC_H
#define SIGSRC_H

#include <signal.h>

/* sigsrc.c: the inherited state and the signals tmrun watches. */
extern sigset_t	 sigsrc_watched;
void		 sigsrc_save(void);
void		 sigsrc_child(void);
int		 sigsrc_is_forwarded(int);

/* sigsrc-signalfd.c | sigsrc-pipe.c */
int		 sigsrc_open(void);
int		 sigsrc_next(int);

#endif
