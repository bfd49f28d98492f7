/*
 * Containment: how the command's tree is tracked, listed and killed.  One
 * interface, a backend per mechanism, tried in order for --contain=auto.
 */
#ifndef CONTAIN_H
#define CONTAIN_H

#include <sys/types.h>

struct contain;

struct contain_ops {
	const char	*name;
	/* In tmrun before fork; -1 if the mechanism is unavailable. */
	int		(*open)(struct contain *);
	/* In the child before exec; async-signal-safe, -1 on failure. */
	int		(*child)(struct contain *);
	/* Live processes of the tree into pids (up to max); the count, which
	 * may exceed max, or -1 if the tree cannot be listed here. */
	int		(*list)(struct contain *, pid_t *, int);
	/* Signal every process of the tree; how many got it, -1 on error. */
	int		(*signal)(struct contain *, int);
	/* 1 if no process of the tree is left alive. */
	int		(*empty)(struct contain *);
	void		(*close)(struct contain *);
};

struct contain {
	const struct contain_ops *ops;
	pid_t		 pid;		/* the command; leader of its group */
};

/* contain.c */
int	contain_open(struct contain *, int);
int	contain_child(struct contain *);
int	contain_list(struct contain *, pid_t *, int);
int	contain_signal(struct contain *, int);
int	contain_empty(struct contain *);
void	contain_close(struct contain *);

/* contain-pgroup.c */
extern const struct contain_ops contain_pgroup;

#endif
